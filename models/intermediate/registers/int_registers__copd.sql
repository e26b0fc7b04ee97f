-- COPD register (COPD015): unresolved COPD; diagnoses from 1 April 2023 need spirometry confirmation.

{{ register__copd() }}
