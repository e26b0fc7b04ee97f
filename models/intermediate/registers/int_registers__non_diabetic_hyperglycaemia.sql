-- NDH register (NDH002 population): aged 18 or over with non-diabetic hyperglycaemia, not on the DM register.

{{ register__non_diabetic_hyperglycaemia() }}
