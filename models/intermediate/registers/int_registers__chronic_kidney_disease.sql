-- CKD register (CKD005): aged 18 or over, latest CKD code stage 3-5.

{{ register__chronic_kidney_disease() }}
