-- DEM register (DEM001): any dementia code, all ages.

{{ register__dementia() }}
