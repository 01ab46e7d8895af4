/* Engage: starts the NHS.UK frontend components. A file rather than an inline script, so the
 * Content-Security-Policy needs no hash for it (feedback_api/headers.py). */
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()
