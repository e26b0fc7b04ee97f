-- One row per PCN and indicator: member practices' counts, points and income summed;
-- achievement and PCA rate recomputed from the summed counts.

{{ network_indicator_rollup('pcn') }}
