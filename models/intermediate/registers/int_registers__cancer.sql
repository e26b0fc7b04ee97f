-- CAN register (CAN001): cancer diagnosed on or after 1 April 2003, excluding non-melanotic
-- skin cancer, all ages.

{{ register__cancer() }}
