-- DM register (DM017): aged 17 or over with unresolved diabetes.

{{ register__diabetes() }}
