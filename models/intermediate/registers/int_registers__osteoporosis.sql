-- OST register (OST004): aged 50-74 with a fragility fracture since 1 April 2012 and
-- DXA-confirmed osteoporosis, or 75 and over with a fragility fracture since 1 April 2014.

{{ register__osteoporosis() }}
