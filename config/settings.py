"""One settings object read from the environment, with defaults that make the embedded run work.

Outside development the default secret is refused: a token signed with a secret printed in a public
repository would let anyone act as any caseworker.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "xiufu-development-secret-not-for-production"
PROJECT_DIR = Path(__file__).resolve().parent.parent
CONFIG_DIR = Path(__file__).resolve().parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XIUFU_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    var_dir: Path = PROJECT_DIR / "var"
    config_dir: Path = CONFIG_DIR

    database_url: str = Field(
        default="", validation_alias=AliasChoices("DATABASE_URL", "XIUFU_DATABASE_URL")
    )
    temporal_address: str = Field(
        default="127.0.0.1:7233", validation_alias=AliasChoices("TEMPORAL_ADDRESS", "XIUFU_TEMPORAL_ADDRESS")
    )
    temporal_namespace: str = "default"
    task_queue: str = "xiufu"
    temporal_ui_url: str = "http://127.0.0.1:8233"
    # Whether the pages link to the Temporal Web UI: only where people's browsers can reach it (the dev
    # server's UI listens on the developer's own machine; in production it is usually behind the firewall).
    # Unset: shown in development only (`make run` starts the UI); XIUFU_TEMPORAL_UI_SHOWN=1 to show it elsewhere.
    temporal_ui_shown: bool | None = None

    secret_key: str = DEV_SECRET
    jwt_algorithm: str = "HS256"
    # An external issuer (the provincial identity service) signs with its own key: give its public key
    # and algorithm (e.g. RS256) and xiufu only verifies.
    jwt_public_key: str = ""
    jwt_issuer: str = "xiufu"
    token_ttl_hours: int = 12

    # Sign-in to the pages through the provincial unified identity service (OpenID Connect). Empty issuer:
    # no OIDC (development and test sign in with a token). The claims name the role and its scope.
    oidc_issuer: str = ""  # discovery at <issuer>/.well-known/openid-configuration
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scope: str = "openid profile"
    oidc_role_claim: str = "xiufu_role"
    oidc_subject_claim: str = "uscc"  # the USCC (or ID number) an applicant acts for
    oidc_authority_claim: str = "authority"
    oidc_region_claim: str = "region"

    # The outbox sweep starts the workflows of applications whose start was lost (the API killed, Temporal
    # down): how often it looks, and how old a filing must be before it is taken as lost.
    outbox_every_s: float = 60
    outbox_min_age_s: float = 30

    # Request bodies are refused past these sizes before they are read (api/limits.py): a JSON body, a
    # batch of records (1,000 rows), and a page's form with its uploads (several materials at once; the API
    # takes one material a request, at most config/policy.yaml uploads.max_bytes).
    max_body_bytes: int = 1024 * 1024
    max_batch_body_bytes: int = 16 * 1024 * 1024
    max_form_body_bytes: int = 64 * 1024 * 1024

    # Who may show the pages in a frame (CSP frame-ancestors): nobody by default. A credit site embedding
    # the repair guide names itself here, e.g. "'self' https://credit.jiangsu.gov.cn".
    frame_ancestors: str = "'none'"
    # Failed sign-ins and bad tokens a client may send within the window before it is refused for the rest
    # of it (429). Kept per API process: behind several replicas, the gateway's own limit is the one to trust.
    throttle_failures: int = 20
    throttle_window_s: int = 300

    letters_path: Path | None = None  # XIUFU_LETTERS_PATH; default var/letters
    materials_path: Path | None = None  # XIUFU_MATERIALS_PATH; default var/materials

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # The API's address as other systems reach it (a vertical system's callbacks: config/handling.yaml);
    # unset: http://<api_host>:<api_port>. Behind a gateway, give the gateway's address.
    public_url: str = ""
    simulator_url: str = "http://127.0.0.1:8900"
    # The provincial message centre (SMS); by default the simulator's stand-in.
    message_centre_url: str = ""
    # The provincial non-tax revenue payment platform (非税收入缴款系统), asked whether a penalty's fine is paid
    # (services/payments.py); by default the simulator's stand-in.
    payment_platform_url: str = ""

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        # The secret also signs the pages' sessions and CSRF tokens: even with an external token issuer, a
        # default secret in production would let anyone forge a session.
        if self.env == "production" and self.secret_key == DEV_SECRET:
            raise ValueError(
                "XIUFU_SECRET_KEY is the development default: set a secret of your own before running outside "
                "development (it signs page sessions and CSRF tokens, also with an external token issuer)"
            )
        return self

    @property
    def links_temporal_ui(self) -> bool:
        """Whether the audit pages link to the Temporal Web UI (`temporal_ui_shown`; unset: development)."""
        return self.env == "development" if self.temporal_ui_shown is None else self.temporal_ui_shown

    @property
    def materials_dir(self) -> Path:
        """Uploaded materials (content-addressed); shared by every API replica in production."""
        return self.materials_path or self.var_dir / "materials"

    @property
    def letters_dir(self) -> Path:
        """Rendered letters; in production a directory every API and worker replica shares (or a mount of
        object storage)."""
        return self.letters_path or self.var_dir / "letters"

    @property
    def public_api_url(self) -> str:
        return self.public_url or f"http://{self.api_host}:{self.api_port}"

    @property
    def sms_url(self) -> str:
        return self.message_centre_url or self.simulator_url.rstrip("/") + "/message-centre"

    @property
    def payments_url(self) -> str:
        return self.payment_platform_url or self.simulator_url.rstrip("/") + "/payments"

    @property
    def fonts_dir(self) -> Path:
        return self.var_dir / "fonts"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'xiufu.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
