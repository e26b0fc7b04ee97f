-- PC register (PC001): palliative care coded on or after 1 April 2008 and not later marked as
-- no longer indicated.

{{ register__palliative_care() }}
