-- CHD register (CHD001): any coronary heart disease code, all ages.

{{ register__coronary_heart_disease() }}
