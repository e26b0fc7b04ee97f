-- Screening coverage at the achievement date per PCN, programme and age band: counts summed
-- over member practices, coverage and the gap to the standard recomputed from the sums.

{{ screening_uptake_rollup('pcn') }}
