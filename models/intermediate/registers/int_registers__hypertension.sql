-- HYP register (HYP001): unresolved hypertension, all ages.

{{ register__hypertension() }}
