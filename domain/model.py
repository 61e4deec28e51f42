"""The vocabulary of credit repair as enums, so decisions are compared as values, not strings.

Names follow shared/GLOSSARY.md; every value is also the wire format of the API.
"""

from __future__ import annotations

from enum import StrEnum


class RecordKind(StrEnum):
    """The three kinds of dishonesty information the seed plan puts behind one entry."""

    PENALTY = "penalty"  # 行政处罚信息
    ABNORMAL_LIST = "abnormal_list"  # 经营异常名录
    SERIOUS_LIST = "serious_list"  # 严重失信主体名单


class RequestKind(StrEnum):
    """What an application asks: a repair of a record (信用修复), or an objection to it (异议申诉)."""

    REPAIR = "repair"
    OBJECTION = "objection"
    RESTRUCTURING = "restructuring"  # 破产重整、和解: lifted provisionally, fully once the plan is carried out


class Severity(StrEnum):
    """国办发〔2025〕22号 二: minor, general and serious records differ in their publicity periods."""

    MINOR = "minor"
    GENERAL = "general"
    SERIOUS = "serious"


class RecordState(StrEnum):
    """Where a record stands in the hub (省公共信用信息系统)."""

    PUBLISHED = "published"
    REPAIRED = "repaired"
    UNPUBLISHED = "unpublished"  # maximum period over (终止公示)
    SHIELDED = "shielded"  # 暂时屏蔽 while an overdue decision is pending
    WITHDRAWN = "withdrawn"  # the decision itself revoked or annulled: taken off every site (domain/withdrawal.py)
    # 破产重整、和解 (domain/restructuring.py): hidden on every site while the court's plan is carried out
    LIFTED = "lifted"


class RepairChannel(StrEnum):
    """Where the application enters: the seed plan sends market-regulation records through the publicity
    system and every other department's through Credit China (Jiangsu)."""

    CREDITCHINA_JS = "creditchina_js"
    GSXT_JS = "gsxt_js"


class Role(StrEnum):
    APPLICANT = "applicant"
    WINDOW = "window"
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    INTEGRATOR = "integrator"
    ADMIN = "admin"
    # a vertical system deciding handed-over cases (config/handling.yaml); its token's authority is the system
    HANDLING_SYSTEM = "handling_system"


class Channel(StrEnum):
    """How an application arrived: online, or at a service-centre counter on the subject's behalf (代办)."""

    ONLINE = "online"
    WINDOW = "window"


class Sector(StrEnum):
    """Sectors of the authorities the seed plan names; config/authorities.yaml uses these values."""

    DEVELOPMENT_REFORM = "development_reform"
    MARKET_REGULATION = "market_regulation"
    NATURAL_RESOURCES = "natural_resources"
    COURT = "court"
    TAX = "tax"
    TRANSPORT = "transport"
    EMERGENCY_MANAGEMENT = "emergency_management"
    DATA = "data"
    ECOLOGY_ENVIRONMENT = "ecology_environment"
    HOUSING_CONSTRUCTION = "housing_construction"


# How people read the values above (pages, letters, SMS); the wire format stays the enum value.
KIND_LABELS = {
    RecordKind.PENALTY: "行政处罚信息",
    RecordKind.ABNORMAL_LIST: "经营异常名录",
    RecordKind.SERIOUS_LIST: "严重失信主体名单",
}
SECTOR_LABELS = {
    Sector.DEVELOPMENT_REFORM: "发展改革部门", Sector.MARKET_REGULATION: "市场监管部门",
    Sector.NATURAL_RESOURCES: "自然资源部门", Sector.COURT: "人民法院", Sector.TAX: "税务部门",
    Sector.TRANSPORT: "交通运输部门", Sector.EMERGENCY_MANAGEMENT: "应急管理部门", Sector.DATA: "数据部门",
    Sector.ECOLOGY_ENVIRONMENT: "生态环境部门", Sector.HOUSING_CONSTRUCTION: "住房城乡建设部门",
}
REQUEST_LABELS = {RequestKind.REPAIR: "信用修复", RequestKind.OBJECTION: "异议申诉",
                  RequestKind.RESTRUCTURING: "破产重整（和解）信用修复"}
SEVERITY_LABELS = {Severity.MINOR: "轻微", Severity.GENERAL: "一般", Severity.SERIOUS: "严重"}
RECORD_STATE_LABELS = {
    RecordState.PUBLISHED: "公示中",
    RecordState.REPAIRED: "已修复",
    RecordState.UNPUBLISHED: "已停止公示",
    RecordState.SHIELDED: "暂时屏蔽",
    RecordState.WITHDRAWN: "已撤销，不再公示",
    RecordState.LIFTED: "破产重整（和解）期间暂予修复",
}
ROLE_LABELS = {
    Role.APPLICANT: "申请人",
    Role.WINDOW: "窗口工作人员",
    Role.CASEWORKER: "经办人",
    Role.SUPERVISOR: "督办人员",
    Role.AUDITOR: "审计人员",
    Role.INTEGRATOR: "对接系统",
    Role.ADMIN: "系统管理员",
    Role.HANDLING_SYSTEM: "办理系统",
}
