-- One row per ICB: member practices' QOF income, points, aspiration and balancing payments
-- summed (each practice paid with its own CPI and APDF).

{{ income_totals_rollup('icb') }}
