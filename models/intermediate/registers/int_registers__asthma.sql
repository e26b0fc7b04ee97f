-- AST register (AST005): aged 6 or over, unresolved asthma and an asthma drug in the preceding 12 months.

{{ register__asthma() }}
