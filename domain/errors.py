"""Every refusal the platform answers, in one catalogue: a stable code for systems, the kind of refusal, the
form field it belongs to (a page puts the message next to that field) and its default Chinese message.

Raise sites name the code (and pass a message only where it says more than the default, e.g. which
state or which record); api/errors.py turns the kind into the HTTP status and the OpenAPI documents every
code an operation can answer. The kinds, not HTTP statuses, live here: domain/ knows no transport."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Refusal(StrEnum):
    UNAUTHENTICATED = "unauthenticated"  # no credential, or one that is not (or no longer) good
    FORBIDDEN = "forbidden"  # the caller is known but may not do this
    NOT_FOUND = "not_found"  # does not exist, or is not the caller's to see (never which of the two)
    CONFLICT = "conflict"  # the state does not allow it now
    TOO_LARGE = "too_large"
    INVALID = "invalid"  # the content is refused by a rule
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"  # a service we depend on does not answer now: try again later
    INTERNAL = "internal"


class Code(StrEnum):
    # who is calling
    UNAUTHENTICATED = "UNAUTHENTICATED"
    INVALID_TOKEN = "INVALID_TOKEN"
    TOKEN_SCOPE_MISSING = "TOKEN_SCOPE_MISSING"
    INVALID_SUBJECT = "INVALID_SUBJECT"
    EXTERNAL_ISSUER = "EXTERNAL_ISSUER"
    OIDC_FAILED = "OIDC_FAILED"
    OIDC_ROLE_UNKNOWN = "OIDC_ROLE_UNKNOWN"
    CSRF_REFUSED = "CSRF_REFUSED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    # the request itself
    INVALID_REQUEST = "INVALID_REQUEST"
    INVALID_FIELD = "INVALID_FIELD"
    MISSING_FIELD = "MISSING_FIELD"
    INVALID_TEXT = "INVALID_TEXT"
    BODY_TOO_LARGE = "BODY_TOO_LARGE"
    INVALID_KIND = "INVALID_KIND"
    INVALID_SEVERITY = "INVALID_SEVERITY"
    INVALID_DATE = "INVALID_DATE"
    INVALID_RECORD_NO = "INVALID_RECORD_NO"
    INVALID_ISSUER = "INVALID_ISSUER"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    INVALID_ACTION = "INVALID_ACTION"
    INVALID_RECORD_IDS = "INVALID_RECORD_IDS"
    INVALID_BATCH = "INVALID_BATCH"
    INVALID_USCC = "INVALID_USCC"
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_REGION = "INVALID_REGION"
    SUBJECT_KEY_REQUIRED = "SUBJECT_KEY_REQUIRED"
    # registering a record
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"
    UNKNOWN_PENALTY_TYPE = "UNKNOWN_PENALTY_TYPE"
    PENALTY_TYPES_NOT_ALLOWED = "PENALTY_TYPES_NOT_ALLOWED"
    ABNORMAL_LIST_ISSUER = "ABNORMAL_LIST_ISSUER"
    NO_TRACK = "NO_TRACK"
    FULFILLED_IN_FUTURE = "FULFILLED_IN_FUTURE"
    DECIDED_IN_FUTURE = "DECIDED_IN_FUTURE"
    RECORD_CONFLICT = "RECORD_CONFLICT"
    # importing a spreadsheet of records (services/importing.py)
    IMPORT_NOT_XLSX = "IMPORT_NOT_XLSX"
    IMPORT_BAD_HEADER = "IMPORT_BAD_HEADER"
    IMPORT_NO_ROWS = "IMPORT_NO_ROWS"
    IMPORT_TOO_MANY_ROWS = "IMPORT_TOO_MANY_ROWS"
    INVALID_OBLIGATIONS = "INVALID_OBLIGATIONS"
    # eligibility (the reasons a record cannot be repaired yet)
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    NOT_REPAIRABLE = "NOT_REPAIRABLE"
    MIN_PERIOD_NOT_OVER = "MIN_PERIOD_NOT_OVER"
    OBLIGATIONS_UNFULFILLED = "OBLIGATIONS_UNFULFILLED"
    PENALISED_AGAIN = "PENALISED_AGAIN"
    PUBLICATION_ENDED = "PUBLICATION_ENDED"
    ALREADY_REPAIRED = "ALREADY_REPAIRED"
    RECORD_WITHDRAWN = "RECORD_WITHDRAWN"
    APPLICATION_OPEN = "APPLICATION_OPEN"
    # filing
    UNKNOWN_RECORD = "UNKNOWN_RECORD"
    CASE_OPEN = "CASE_OPEN"
    COMMITMENT_REQUIRED = "COMMITMENT_REQUIRED"
    PROOF_REQUIRED = "PROOF_REQUIRED"
    UNKNOWN_MATERIAL = "UNKNOWN_MATERIAL"
    MATERIAL_TYPE = "MATERIAL_TYPE"
    MATERIAL_EMPTY = "MATERIAL_EMPTY"
    MATERIAL_TOO_LARGE = "MATERIAL_TOO_LARGE"
    # deciding
    CASE_DECIDED = "CASE_DECIDED"
    CASE_CLOSED = "CASE_CLOSED"
    CASE_NOT_READY = "CASE_NOT_READY"
    ACTION_NOT_ALLOWED = "ACTION_NOT_ALLOWED"
    NOT_OVERDUE = "NOT_OVERDUE"
    EXTENSION_USED = "EXTENSION_USED"
    REASON_REQUIRED = "REASON_REQUIRED"
    NOTHING_TO_RESYNC = "NOTHING_TO_RESYNC"
    HANDLED_ELSEWHERE = "HANDLED_ELSEWHERE"
    # documents
    LETTER_NOT_READY = "LETTER_NOT_READY"
    NOT_APPROVED = "NOT_APPROVED"
    DECISION_NOT_READY = "DECISION_NOT_READY"
    # rating (好差评)
    NOT_FINISHED = "NOT_FINISHED"
    ALREADY_RATED = "ALREADY_RATED"
    UNKNOWN_HANDLER = "UNKNOWN_HANDLER"
    INVALID_RATING = "INVALID_RATING"
    COMMENT_REQUIRED = "COMMENT_REQUIRED"
    COMMENT_TOO_LONG = "COMMENT_TOO_LONG"
    # looking an application up by its query code (查询码)
    INVALID_QUERY_CODE = "INVALID_QUERY_CODE"
    INVALID_PHONE_TAIL = "INVALID_PHONE_TAIL"
    QUERY_NOT_MATCHED = "QUERY_NOT_MATCHED"
    # oversight
    NOT_COMPUTED = "NOT_COMPUTED"
    # asking the non-tax revenue payment platform whether a fine is paid (services/payments.py)
    NO_FINE = "NO_FINE"
    # correcting a registered record (domain/correction.py)
    NOT_CORRECTABLE = "NOT_CORRECTABLE"
    NOTHING_TO_CORRECT = "NOTHING_TO_CORRECT"
    INVALID_FINE_AMOUNT = "INVALID_FINE_AMOUNT"
    CORRECTION_IN_PROGRESS = "CORRECTION_IN_PROGRESS"
    PAYMENT_PLATFORM_UNAVAILABLE = "PAYMENT_PLATFORM_UNAVAILABLE"
    # objections (异议申诉, domain/objection.py)
    INVALID_GROUND = "INVALID_GROUND"
    STATEMENT_REQUIRED = "STATEMENT_REQUIRED"
    NOT_OBJECTABLE = "NOT_OBJECTABLE"
    UNKNOWN_REFUSAL = "UNKNOWN_REFUSAL"
    ALREADY_OBJECTED = "ALREADY_OBJECTED"
    CORRECTION_REQUIRED = "CORRECTION_REQUIRED"
    # bankruptcy restructuring (破产重整、和解, domain/restructuring.py)
    INVALID_RESTRUCTURING_KIND = "INVALID_RESTRUCTURING_KIND"
    RULING_REQUIRED = "RULING_REQUIRED"
    RULED_IN_FUTURE = "RULED_IN_FUTURE"
    UNKNOWN_COURT = "UNKNOWN_COURT"
    RULING_MATERIAL_REQUIRED = "RULING_MATERIAL_REQUIRED"
    NOT_COVERED = "NOT_COVERED"
    INVALID_OUTCOME = "INVALID_OUTCOME"
    OUTCOME_KNOWN = "OUTCOME_KNOWN"
    # the services we depend on, and the last resort
    TEMPORAL_UNAVAILABLE = "TEMPORAL_UNAVAILABLE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


@dataclass(frozen=True)
class Entry:
    refusal: Refusal
    message: str
    field: str | None = None  # the page form's field the message belongs next to (None: the form as a whole)


_R = Refusal
CATALOGUE: dict[Code, Entry] = {
    Code.UNAUTHENTICATED: Entry(_R.UNAUTHENTICATED, "请先登录（缺少 Authorization: Bearer 令牌）"),
    Code.INVALID_TOKEN: Entry(_R.UNAUTHENTICATED, "登录凭证无效或已过期，请重新登录", "token"),
    Code.TOKEN_SCOPE_MISSING: Entry(_R.UNAUTHENTICATED, "令牌缺少其角色所需的范围（主体、单位或辖区）", "token"),
    Code.INVALID_SUBJECT: Entry(_R.INVALID, "统一社会信用代码或身份证号码校验不通过", "subject"),
    Code.EXTERNAL_ISSUER: Entry(_R.FORBIDDEN, "令牌由外部身份认证服务签发，本系统不签发令牌"),
    Code.OIDC_FAILED: Entry(_R.UNAUTHENTICATED, "统一身份认证登录未完成，请重新登录"),
    Code.OIDC_ROLE_UNKNOWN: Entry(_R.FORBIDDEN, "统一身份认证未提供本系统可识别的角色，请联系管理员开通"),
    Code.CSRF_REFUSED: Entry(_R.FORBIDDEN, "表单已过期，请返回上一页刷新后重新提交"),
    Code.TOO_MANY_ATTEMPTS: Entry(_R.THROTTLED, "尝试次数过多，请稍后再试"),
    Code.FORBIDDEN: Entry(_R.FORBIDDEN, "无权进行此操作"),
    Code.NOT_FOUND: Entry(_R.NOT_FOUND, "资源不存在或无权查看"),
    Code.METHOD_NOT_ALLOWED: Entry(_R.CONFLICT, "不支持该请求方法"),
    Code.INVALID_REQUEST: Entry(_R.INVALID, "请求格式不正确"),
    Code.INVALID_FIELD: Entry(_R.INVALID, "所填内容格式不正确"),
    Code.MISSING_FIELD: Entry(_R.INVALID, "缺少必填项"),
    Code.INVALID_TEXT: Entry(_R.INVALID, "所填内容含有控制字符或无效字符，请删除后重新提交"),
    Code.BODY_TOO_LARGE: Entry(_R.TOO_LARGE, "请求内容过大"),
    Code.INVALID_KIND: Entry(_R.INVALID, "失信信息类别须为 penalty（行政处罚）、abnormal_list（经营异常名录）或"
                                         " serious_list（严重失信主体名单）", "kind"),
    Code.INVALID_SEVERITY: Entry(_R.INVALID, "严重程度须为 minor（轻微）、general（一般）或 serious（严重）",
                                 "severity"),
    Code.INVALID_DATE: Entry(_R.INVALID, "决定日期格式应为 YYYY-MM-DD", "decided_on"),
    Code.INVALID_RECORD_NO: Entry(_R.INVALID, "决定文书号不能为空", "record_no"),
    Code.INVALID_ISSUER: Entry(_R.INVALID, "认定单位编码不能为空", "issuer"),
    Code.INVALID_AMOUNT: Entry(_R.INVALID, "罚款金额须为不小于零的数字", "fine_amount"),
    Code.INVALID_ACTION: Entry(_R.INVALID, "不支持的办理操作", "action"),
    Code.INVALID_RECORD_IDS: Entry(_R.INVALID, "请至少选择一条失信信息", "record_ids"),
    Code.INVALID_BATCH: Entry(_R.INVALID, "批量登记每次须为 1 至 1000 条", "records"),
    Code.INVALID_USCC: Entry(_R.INVALID, "统一社会信用代码不正确（GB 32100 校验不通过）", "subject.uscc"),
    Code.INVALID_ID_NUMBER: Entry(_R.INVALID, "公民身份号码不正确（GB 11643 校验不通过）", "subject.id_number"),
    Code.INVALID_PHONE: Entry(_R.INVALID, "请填写正确的11位手机号码", "contact_phone"),
    Code.INVALID_REGION: Entry(_R.INVALID, "行政区划代码应为6位数字（GB/T 2260）", "region"),
    Code.SUBJECT_KEY_REQUIRED: Entry(_R.INVALID, "须填写统一社会信用代码或公民身份号码中的一项", "subject"),
    Code.UNKNOWN_ISSUER: Entry(_R.INVALID, "认定单位编码未配置", "issuer"),
    Code.UNKNOWN_PENALTY_TYPE: Entry(_R.INVALID, "不支持的处罚种类", "penalty_types"),
    Code.PENALTY_TYPES_NOT_ALLOWED: Entry(_R.INVALID, "只有行政处罚信息可以填写处罚种类", "penalty_types"),
    Code.IMPORT_NOT_XLSX: Entry(_R.INVALID, "上传的文件不是 Excel 工作簿（.xlsx），请下载导入模板填写后上传", "file"),
    Code.IMPORT_BAD_HEADER: Entry(_R.INVALID, "表头与导入模板不一致，请下载导入模板，按模板第1行的列名填写", "file"),
    Code.IMPORT_NO_ROWS: Entry(_R.INVALID, "文件中没有可导入的数据（第1行为表头，数据从第2行开始）", "file"),
    Code.IMPORT_TOO_MANY_ROWS: Entry(_R.INVALID, "每个文件至多1000行数据，请分成几个文件导入", "file"),
    Code.INVALID_OBLIGATIONS: Entry(_R.INVALID, "“已履行法定义务”只能填写“是”“否”或留空", "obligations_fulfilled"),
    Code.ABNORMAL_LIST_ISSUER: Entry(_R.INVALID, "经营异常名录由市场监督管理部门或其他法定列入机关列入", "issuer"),
    Code.FULFILLED_IN_FUTURE: Entry(_R.INVALID, "履行完毕的日期不能晚于今天", "fulfilled_on"),
    Code.NO_TRACK: Entry(_R.INVALID, "该类信息在该领域没有配置修复路径，无法登记", "kind"),
    Code.DECIDED_IN_FUTURE: Entry(_R.INVALID, "决定日期不能晚于今天", "decided_on"),
    Code.RECORD_CONFLICT: Entry(_R.CONFLICT, "该决定文书号已登记，且内容不同", "record_no"),
    Code.NOT_ELIGIBLE: Entry(_R.INVALID, "所选信息暂不符合修复条件", "record_ids"),
    Code.NOT_REPAIRABLE: Entry(_R.INVALID, "该信息不可修复", "record_ids"),
    Code.MIN_PERIOD_NOT_OVER: Entry(_R.INVALID, "尚未届满最短公示期", "record_ids"),
    Code.OBLIGATIONS_UNFULFILLED: Entry(_R.INVALID, "尚未履行行政处罚规定的义务", "record_ids"),
    Code.PENALISED_AGAIN: Entry(_R.INVALID, "公示期内再次受到同领域的行政处罚，暂不能申请修复", "record_ids"),
    Code.PUBLICATION_ENDED: Entry(_R.INVALID, "公示期已届满，该信息已停止公示", "record_ids"),
    Code.ALREADY_REPAIRED: Entry(_R.INVALID, "该信息已修复", "record_ids"),
    Code.RECORD_WITHDRAWN: Entry(_R.INVALID, "该信息所依据的决定已被撤销，已不再公示，无需申请修复", "record_ids"),
    Code.APPLICATION_OPEN: Entry(_R.CONFLICT, "该信息已有正在办理的修复申请", "record_ids"),
    Code.UNKNOWN_RECORD: Entry(_R.INVALID, "所选失信信息不存在或不属于该主体", "record_ids"),
    Code.CASE_OPEN: Entry(_R.CONFLICT, "所选信息已有正在办理的修复申请", "record_ids"),
    Code.COMMITMENT_REQUIRED: Entry(_R.INVALID, "请先签署信用承诺书", "commitment"),
    Code.PROOF_REQUIRED: Entry(_R.INVALID, "所选信息需要上传已履行法定责任和义务的证明材料（如罚款缴纳凭证）",
                               "record_ids"),  # next to the records' choice, where each one's upload is
    Code.UNKNOWN_MATERIAL: Entry(_R.INVALID, "所附材料不存在、已被使用或不属于本人上传", "record_ids"),
    Code.MATERIAL_TYPE: Entry(_R.INVALID, "只能上传 PDF、JPG、PNG 文件（按文件内容识别，改扩展名无效）", "file"),
    Code.MATERIAL_EMPTY: Entry(_R.INVALID, "上传的文件是空的", "file"),
    Code.MATERIAL_TOO_LARGE: Entry(_R.TOO_LARGE, "文件过大", "file"),
    Code.CASE_DECIDED: Entry(_R.CONFLICT, "该事项已作出决定，不能再办理"),
    Code.CASE_CLOSED: Entry(_R.CONFLICT, "该事项已办结，不能再办理"),
    Code.CASE_NOT_READY: Entry(_R.UNAVAILABLE, "该事项正在创建，请稍后重试"),
    Code.ACTION_NOT_ALLOWED: Entry(_R.CONFLICT, "当前状态不能进行该操作", "action"),
    Code.NOT_OVERDUE: Entry(_R.CONFLICT, "仅在超过办理时限仍未作出决定时可暂时屏蔽", "action"),
    Code.EXTENSION_USED: Entry(_R.CONFLICT, "办理时限已延长过，不能再次延长", "action"),
    Code.REASON_REQUIRED: Entry(_R.INVALID, "请填写理由", "reason"),
    Code.NOTHING_TO_RESYNC: Entry(_R.CONFLICT, "没有被拒收的同步，无需重新同步"),
    Code.HANDLED_ELSEWHERE: Entry(_R.CONFLICT, "该事项已转交国垂、省垂系统办理，请在该系统中作出决定", "action"),
    Code.LETTER_NOT_READY: Entry(_R.UNAVAILABLE, "告知书正在生成，请稍后再试"),
    Code.NOT_APPROVED: Entry(_R.CONFLICT, "该事项尚未作出同意修复的决定，没有信用修复决定书"),
    Code.DECISION_NOT_READY: Entry(_R.UNAVAILABLE, "信用修复决定书正在生成，请稍后再试"),
    Code.NOT_FINISHED: Entry(_R.CONFLICT, "申请的全部事项办结后才能评价"),
    Code.ALREADY_RATED: Entry(_R.CONFLICT, "已评价过该机关的办理服务，不能重复评价", "handler"),
    Code.UNKNOWN_HANDLER: Entry(_R.INVALID, "该申请没有由此机关办理的事项", "handler"),
    Code.INVALID_QUERY_CODE: Entry(_R.INVALID, "查询码应为10位数字，请核对（最后一位是校验码）", "query_code"),
    Code.INVALID_PHONE_TAIL: Entry(_R.INVALID, "请输入申请时所留联系电话的后4位数字", "phone_tail"),
    Code.QUERY_NOT_MATCHED: Entry(_R.NOT_FOUND, "没有与该查询码和联系电话后4位相符的申请，请核对后重试"),
    Code.INVALID_RATING: Entry(_R.INVALID, "请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）", "rating"),
    Code.COMMENT_REQUIRED: Entry(_R.INVALID, "选择不满意或非常不满意时请填写评价意见，说明原因，以便整改", "comment"),
    Code.COMMENT_TOO_LONG: Entry(_R.INVALID, "评价意见过长", "comment"),
    Code.NOT_COMPUTED: Entry(_R.NOT_FOUND, "该日的监测数据尚未生成（每日扫描后生成）", "date"),
    Code.NO_FINE: Entry(_R.INVALID, "该信息没有罚款，无需查询缴款记录"),
    Code.NOT_CORRECTABLE: Entry(_R.INVALID, "该字段不能更正；公示期限相关的内容有误的，请撤销后重新登记", "changes"),
    Code.NOTHING_TO_CORRECT: Entry(_R.INVALID, "更正内容与现有信息相同，无需更正", "changes"),
    Code.INVALID_FINE_AMOUNT: Entry(_R.INVALID, "罚款金额应为大于0的金额，最多两位小数", "changes.fine_amount"),
    Code.CORRECTION_IN_PROGRESS: Entry(_R.CONFLICT, "该信息的上一次更正正在通知各信用网站，请稍后再更正"),
    Code.PAYMENT_PLATFORM_UNAVAILABLE: Entry(_R.UNAVAILABLE, "非税收入缴款系统暂时无法查询，请稍后再试或上传缴款凭证"),
    Code.INVALID_GROUND: Entry(_R.INVALID, "异议类型须为 content（信息内容有误）或 refusal"
                                           "（对不予受理、不予修复的决定有异议）", "ground"),
    Code.STATEMENT_REQUIRED: Entry(_R.INVALID, "请写明异议的事实和理由", "statement"),
    Code.NOT_OBJECTABLE: Entry(_R.INVALID, "该信息已不再公示（已修复、已撤销或公示期满），无需提出异议", "record_id"),
    Code.UNKNOWN_REFUSAL: Entry(_R.INVALID, "所选的决定不存在，或不是该信息的不予受理、不予修复决定",
                                "refused_case_id"),
    Code.ALREADY_OBJECTED: Entry(_R.CONFLICT, "已对该决定提出过异议，不能重复提出", "refused_case_id"),
    Code.CORRECTION_REQUIRED: Entry(_R.INVALID, "更正信息须填写更正后的内容", "changes"),
    Code.INVALID_RESTRUCTURING_KIND: Entry(_R.INVALID, "类型须为 reorganisation（破产重整）或 settlement（破产和解）",
                                           "kind"),
    Code.RULING_REQUIRED: Entry(_R.INVALID, "请填写人民法院批准重整计划（认可和解协议）的裁定书文号", "ruling_no"),
    Code.RULED_IN_FUTURE: Entry(_R.INVALID, "裁定日期不能晚于今天", "ruled_on"),
    Code.UNKNOWN_COURT: Entry(_R.INVALID, "所选法院未配置，请选择作出裁定的人民法院", "court"),
    Code.RULING_MATERIAL_REQUIRED: Entry(_R.INVALID, "请上传人民法院的裁定书", "materials"),
    Code.NOT_COVERED: Entry(_R.INVALID, "所选信息已不再公示（已修复、已撤销或公示期满），无需申请", "record_ids"),
    Code.INVALID_OUTCOME: Entry(_R.INVALID, "执行结果须为 carried_out（执行完毕）或 failed（未执行）", "outcome"),
    Code.OUTCOME_KNOWN: Entry(_R.CONFLICT, "该重整计划（和解协议）的执行结果已经报送，不能再次报送"),
    Code.TEMPORAL_UNAVAILABLE: Entry(_R.UNAVAILABLE, "流程服务暂不可用，请稍后重试"),
    Code.INTERNAL_ERROR: Entry(_R.INTERNAL, "系统内部错误，请稍后重试；如仍有问题请联系12345热线"),
}


def entry(code: Code | str) -> Entry:
    return CATALOGUE[Code(code)]


class DomainError(Exception):
    """A refusal: its code from the catalogue, the catalogue's message unless the raise site says more."""

    def __init__(self, code: Code | str, message: str | None = None, **details: Any) -> None:
        self.code = Code(code)
        self.message = message or CATALOGUE[self.code].message
        self.details = details
        super().__init__(f"{self.code}: {self.message}")

    @property
    def refusal(self) -> Refusal:
        return CATALOGUE[self.code].refusal
