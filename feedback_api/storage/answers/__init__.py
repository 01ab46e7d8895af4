"""The answer index: every questionnaire answer as rows the database can count (`models`,
filled by `index`), so report figures are SQL aggregates (`counts`) and free text is paged in
SQL (`texts`), whatever the number of responses."""
