-- STIA register (STIA001): any stroke or TIA code, all ages.

{{ register__stroke_tia() }}
