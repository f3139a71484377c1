"""Error model: AppError subclasses with HTTP status, stable code and i18n params."""

from __future__ import annotations

import logging
import uuid
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from anguan.core.i18n import negotiate_locale, translate

log = logging.getLogger("anguan.errors")


class ErrorBody(BaseModel):
    """The JSON body of every 4xx/5xx answer."""

    code: str
    message: str
    params: dict[str, Any] = {}
    request_id: str | None = None


class AppError(Exception):
    """Base of every expected error; subclasses fix status and code."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "common.bad_request"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.instance_code = code or self.code
        self.params = params
        super().__init__(self.instance_code)


class BadRequest(AppError):
    status_code = 400
    code = "common.bad_request"


class NotAuthenticated(AppError):
    status_code = 401
    code = "common.not_authenticated"


class Forbidden(AppError):
    status_code = 403
    code = "common.forbidden"


class NotFound(AppError):
    status_code = 404
    code = "common.not_found"


class Conflict(AppError):
    status_code = 409
    code = "common.conflict"


class Locked(AppError):
    status_code = 423
    code = "common.locked"


class Unprocessable(AppError):
    status_code = 422
    code = "common.validation_error"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "common.payload_too_large"


class Unavailable(AppError):
    status_code = 503
    code = "common.unavailable"


def error_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entry declaring the error codes a route may return."""
    out: dict[int | str, dict[str, Any]] = {}
    for err in errors:
        entry = out.setdefault(err.status_code, {"model": ErrorBody, "description": ""})
        entry["description"] = (entry["description"] + " " + err.code).strip()
    return out


def _request_id(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else uuid.uuid4().hex


def _body(request: Request, code: str, params: dict[str, Any]) -> dict[str, Any]:
    locale = negotiate_locale(request.headers.get("accept-language"))
    return ErrorBody(
        code=code, message=translate(code, locale, **params), params=params, request_id=_request_id(request)
    ).model_dump()


def install_error_handlers(app: FastAPI) -> None:
    """Map AppError, validation errors and unexpected errors to the JSON error body."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(_body(request, exc.instance_code, exc.params), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            fields.append({"field": loc, "type": err.get("type"), "msg": err.get("msg")})
        return JSONResponse(_body(request, "common.validation_error", {"fields": fields}), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        fallback = getattr(request.app.state, "not_found_fallback", None)
        if exc.status_code == 404 and fallback is not None:
            # History-mode SPA: a GET for a client-side route is answered with the page, not JSON.
            page: Response | None = fallback(request)
            if page is not None:
                return page
        code = {404: "common.not_found", 405: "common.method_not_allowed"}.get(
            exc.status_code, "common.bad_request"
        )
        return JSONResponse(_body(request, code, {}), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = _request_id(request)
        log.exception("unexpected error request_id=%s", rid)
        # This handler runs outside every middleware (Starlette's ServerErrorMiddleware), so the
        # request-id middleware cannot add the header: add it here, where it matters most.
        return JSONResponse(
            _body(request, "common.internal_error", {}), status_code=500, headers={"X-Request-ID": rid}
        )
