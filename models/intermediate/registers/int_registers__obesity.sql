-- OB register (OB003): aged 18 or over with a latest BMI of 30 or more in the preceding 12 months.

{{ register__obesity() }}
