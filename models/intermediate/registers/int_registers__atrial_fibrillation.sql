-- AF register (AF001): unresolved atrial fibrillation, all ages.

{{ register__atrial_fibrillation() }}
