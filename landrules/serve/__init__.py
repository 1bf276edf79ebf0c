"""`landrules serve`: the checks over HTTP for approval systems, and a page for applicants.

The pipeline's last stage (read -> validate -> evaluate -> explain -> report/serve): nothing here
decides anything. `words` holds the service's own messages, `problems` its RFC 9457 refusals,
`service` the framework-free work of each endpoint (it calls the same library functions as the
CLI), `metrics` the Prometheus counters, `page` the applicant's page, `openapi` the API's
description, and `app` wires them into a Starlette application. Only `app` and the `serve`
command import Starlette or uvicorn, and only when `landrules serve` runs.
"""
