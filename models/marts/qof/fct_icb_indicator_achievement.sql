-- One row per ICB and indicator: member practices' counts, points and income summed;
-- achievement and PCA rate recomputed from the summed counts.

{{ network_indicator_rollup('icb') }}
