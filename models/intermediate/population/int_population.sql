-- The GMS-registered population at the achievement date: one row per patient.

{{ gms_population_at(achievement_date()) }}
