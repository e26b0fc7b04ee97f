-- MH register (MH001): schizophrenia, bipolar affective disorder or other psychoses not in
-- remission, or lithium issued in the preceding 6 months.

{{ register__mental_health() }}
