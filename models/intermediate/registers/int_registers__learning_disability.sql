-- LD register (LD004): any learning disability code.

{{ register__learning_disability() }}
