-- PAD register (PAD001): any peripheral arterial disease code, all ages.

{{ register__peripheral_arterial_disease() }}
