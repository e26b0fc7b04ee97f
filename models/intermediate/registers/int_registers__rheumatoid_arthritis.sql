-- RA register (RA001): aged 16 or over with rheumatoid arthritis.

{{ register__rheumatoid_arthritis() }}
