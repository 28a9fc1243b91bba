"""The risk register 风险登记 of a project (RULES §Risk management; 000 §5, 001 业务风险管理制度, 002 §3).

A risk has a category, a likelihood and an impact (high / medium / low), a level read off
the matrix below (000 §5(2) "likelihood × impact"), optionally a probability and a loss
amount whose product is the expected loss, a response (avoid, reduce, transfer, accept)
with measures, an owner and a next review date. A high level, or an expected loss over the
policy's threshold, needs the dept_head's attention (and the executive's, if the policy
says so). A review date that passes is reminded and escalated like any wait; a risk that
occurs becomes a risk event with its loss.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from domain.models import Level, Role
from domain.policy import RiskPolicy


class RiskCategory(StrEnum):
    policy_regulatory = "policy_regulatory"  # 政策法规风险
    market = "market"  # 市场风险
    credit = "credit"  # 信用风险
    operational = "operational"  # 操作风险
    legal = "legal"  # 法律风险


class RiskResponse(StrEnum):
    avoid = "avoid"  # 规避
    reduce = "reduce"  # 降低
    transfer = "transfer"  # 转移
    accept = "accept"  # 接受


class RiskStatus(StrEnum):
    open = "open"
    occurred = "occurred"
    closed = "closed"


L, M, H = Level.low, Level.medium, Level.high
# Rows: likelihood; columns: impact. A high likelihood or impact never reads as low, and
# both at medium or one high with the other medium is high.
MATRIX: dict[tuple[Level, Level], Level] = {
    (L, L): L, (L, M): L, (L, H): M,
    (M, L): L, (M, M): M, (M, H): H,
    (H, L): M, (H, M): H, (H, H): H,
}  # fmt: skip


def risk_level(likelihood: Level, impact: Level) -> Level:
    return MATRIX[(likelihood, impact)]


def expected_loss(probability: Decimal | None, loss_amount: Decimal | None) -> Decimal | None:
    """Probability × loss (yuan, rounded half up to the fen 四舍五入); None unless both are known."""
    if probability is None or loss_amount is None:
        return None
    return (probability * loss_amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def attention(level: Level, loss: Decimal | None, policy: RiskPolicy) -> list[Role]:
    """Who must hear of the risk: nobody, the dept_head, or the dept_head and the executive."""
    over = loss is not None and loss > policy.expected_loss_threshold
    if level != Level.high and not over:
        return []
    if level == Level.high and policy.notify_executive:
        return [Role.dept_head, Role.executive]
    return [Role.dept_head]
