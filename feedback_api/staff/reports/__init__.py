"""Staff reports (/admin/reports): figures from questionnaire responses, free text with personal
data flagged, the responses-over-time chart, and exports staff open without fixing anything."""
