"""The petition transition table (DESIGN §4, 信访工作条例 第23、34条): 办理中 → 已答复 → 已办结.

| name   | label      | from   | to     | what it records                                          |
|--------|------------|--------|--------|----------------------------------------------------------|
| notify | 登记告知   | 办理中 | 办理中 | notified_on (the 15-day 告知), once                       |
| extend | 延期办理   | 办理中 | 办理中 | extended_days 1..setting (≤30), reason; once; moves 办结期限 |
| reply  | 答复       | 办理中 | 已答复 | replied_on (≥ 登记日期, not in the future), 答复意见       |
| close  | 办结       | 已答复 | 已办结 | closed_on (≥ 答复日期) and 满意度 (required)                |

Everything else is refused by the kernel with a message and changes nothing. There is no reopen.
"""

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES

from .choices import PetitionStatus
from .forms import CloseForm, ExtendForm, NotifyForm, ReplyForm

PETITION_WORKFLOW = Workflow([
    Transition("notify", "登记告知", (PetitionStatus.HANDLING,), None, EDIT_ROLES, NotifyForm,
               style="outline-primary", help="登记后15日内书面告知信访人受理情况（信访工作条例第二十三条）。"),
    Transition("extend", "延期办理", (PetitionStatus.HANDLING,), None, EDIT_ROLES, ExtendForm,
               style="outline-warning", help="情况复杂的，经负责人批准可延期一次，最长30日，须说明理由（第三十四条）。"),
    Transition("reply", "答复", (PetitionStatus.HANDLING,), PetitionStatus.REPLIED, EDIT_ROLES, ReplyForm,
               help="出具信访处理意见书并答复信访人。"),
    Transition("close", "办结", (PetitionStatus.REPLIED,), PetitionStatus.CLOSED, EDIT_ROLES, CloseForm,
               style="success", help="登记办结日期和信访人满意度。"),
])
