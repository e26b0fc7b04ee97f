-- DEP register (the DEP004 population): aged 18 or over with unresolved depression coded on
-- or after 1 April 2006.

{{ register__depression() }}
