-- HF register (HF001): unresolved heart failure, all ages.

{{ register__heart_failure() }}
