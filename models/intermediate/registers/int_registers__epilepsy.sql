-- EP register (EP001): aged 18 or over with unresolved epilepsy and an anti-epileptic drug
-- issued in the preceding 6 months.

{{ register__epilepsy() }}
