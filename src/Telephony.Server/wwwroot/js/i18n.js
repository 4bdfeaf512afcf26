// UI text in English and Chinese. Elements carry data-i18n (text) or data-i18n-placeholder; the
// language is the agent's choice (kept in localStorage) or, before that, the desk profile's default.
const text = {
  en: {
    title: '12345 Agent desktop', logout: 'Log out', seat: 'Seat',
    'login.title': 'Sign in', 'login.user': 'User', 'login.password': 'Password', 'login.seat': 'Seat',
    'login.seatHint': 'your agent number', 'login.audio': 'Audio', 'login.submit': 'Sign in',
    'login.failed': 'Wrong user or password.', 'login.notAgent': 'This user is not an agent.',
    'audio.sip': 'SIP phone at the seat', 'audio.browser': 'This browser (headset)',
    ready: 'Ready', notReady: 'Not ready', answer: 'Answer', hangup: 'Hang up', hold: 'Hold', mute: 'Mute',
    pauseRecording: 'Pause recording', resumeRecording: 'Resume recording',
    'rec.card': 'card number', 'rec.id': 'ID number', 'rec.personal': 'personal data',
    'state.LoggedOut': 'Logged out', 'state.Ready': 'Ready', 'state.NotReady': 'Not ready', 'state.Reserved': 'Incoming',
    'state.Ringing': 'Ringing', 'state.OnCall': 'On call', 'state.WrapUp': 'Wrap-up',
    'phase.pop': 'Incoming call', 'phase.ringing': 'Ringing', 'phase.talking': 'Talking', 'phase.ended': 'Call ended',
    'conn.online': 'connected', 'conn.reconnecting': 'reconnecting…', 'conn.offline': 'offline',
    'pop.caller': 'Caller', 'pop.dialed': 'Dialled', 'pop.ivr': 'IVR path', 'pop.keys': 'Keys', 'pop.language': 'Language',
    'pop.queue': 'Queue', 'pop.wait': 'Waited', 'pop.repeat': 'Repeat caller',
    'history.cases': 'Earlier cases', 'history.calls': 'Last calls', 'history.number': 'Case', 'history.status': 'Status',
    'history.department': 'Department', 'history.due': 'Due', 'history.matter': 'Matter', 'history.when': 'When',
    'history.outcome': 'Outcome', 'history.queue': 'Queue', 'history.agent': 'Agent', 'history.talk': 'Talk',
    'history.none': 'none',
    'hint.sipAnswer': 'Answer on your SIP phone; the other buttons work from here.',
    'hint.sipDigits': 'Use your phone\'s keypad for tones.',
    'case.title': 'New case', 'case.phone': 'Phone', 'case.channel': 'Channel', 'case.callId': 'Call id', 'case.name': 'Citizen name',
    'case.category': 'Category', 'case.district': 'District', 'case.address': 'Address', 'case.matter': 'Matter',
    'case.confidential': 'Confidential', 'case.direct': 'Solved directly', 'case.dispatch': 'Dispatch to department',
    'case.answer': 'Answer given', 'case.save': 'Save case', 'case.saved': 'Case {0} saved ({1}).', 'case.none': '—',
    'kb.title': 'Knowledge', 'kb.hint': 'department, hotline, bus route…',
    'kind.department': 'department', 'kind.partner': 'hotline', 'kind.info': 'IVR info', 'kind.emergency': 'emergency',
    'pop.from': 'Transferred from', 'xfer.title': 'Transfer', 'xfer.hint': 'agent:1050, queue:general or a number',
    'xfer.blind': 'Transfer', 'xfer.consult': 'Consult', 'xfer.complete': 'Complete transfer', 'xfer.cancel': 'Back to caller',
    'xfer.conference': 'Conference', 'xfer.drop': 'Drop third party', 'xfer.handover': 'Hand over and leave',
    'xfer.calling': 'Calling {0}…', 'xfer.done': 'Transferred to {0}.', 'xfer.consulting': 'Consulting {0}; the citizen is on hold.',
    'kb.transfer': 'transfer', 'kb.conference': 'conference',
    'cb.title': 'Callbacks', 'cb.refresh': 'Refresh list', 'cb.next': 'Call the next due', 'cb.number': 'Number', 'cb.kind': 'Kind',
    'cb.attempts': 'Attempts', 'cb.due': 'Due', 'cb.last': 'Last outcome', 'cb.dial': 'Call back', 'cb.none': 'Nothing is owed.',
    'cb.kind.missed-call': 'missed call', 'cb.kind.missed-callback': 'callback not reached',
    'cb.outcome.reached': 'reached', 'cb.outcome.no-answer': 'no answer', 'cb.outcome.busy': 'busy', 'cb.outcome.wrong-number': 'wrong number',
    'cb.state.open': 'open for a retry', 'cb.state.dialling': 'dialling', 'cb.state.done': 'done', 'cb.state.dropped': 'dropped', 'cb.state.failed': 'failed',
    'cb.calling': 'Calling {0} (task {1}): answer your phone.', 'cb.offered': 'Task {1}: calling {0} back.',
    'cb.result': 'Task {0}: {1}, {2} (attempt {3}).',
    'rv.title': 'Return visit (回访)', 'rv.caseHint': 'case id', 'rv.dial': 'Call the citizen', 'rv.save': 'Save verdict',
    'rv.noteHint': 'what the citizen said', 'rv.Satisfied': 'Satisfied', 'rv.BasicallySatisfied': 'Basically satisfied', 'rv.Dissatisfied': 'Dissatisfied',
    'rv.needCase': 'Type the case id.', 'rv.calling': 'Calling {0} for case {1}: answer your phone.', 'rv.saved': 'Case {0}: verdict saved, {1}.',
    'rv.status.Closed': 'closed', 'rv.status.Reopened': 'reopened',
    'pop.task': 'Callback', 'pop.purpose': '{0}, task {1}, attempt {2}',
    'purpose.callback': 'callback requested in the queue', 'purpose.missed-call-return': 'missed-call return',
    'cat.Consultation': 'Consultation', 'cat.HelpRequest': 'Help request', 'cat.Complaint': 'Complaint', 'cat.Report': 'Report',
    'cat.Suggestion': 'Suggestion', 'cat.Praise': 'Praise',
    'wall.title': '12345 Supervisors\' floor', 'wall.figures': 'Today\'s figures', 'wall.queues': 'Queues', 'wall.seats': 'Seats',
    'wall.now': 'Now', 'wall.15m': '15 min', 'wall.30m': '30 min', 'wall.60m': '60 min', 'wall.today': 'Today',
    'wall.queue': 'Queue', 'wall.skill': 'Skill', 'wall.all': 'All seats', 'wall.waiting': 'Waiting', 'wall.longest': 'Longest wait',
    'wall.ready': 'Ready', 'wall.busy': 'Busy', 'wall.expected': 'Expected wait', 'wall.filter': 'Skill / queue',
    'wall.listenFrom': 'Listen from', 'wall.fromSeat': 'My seat phone', 'wall.fromBrowser': 'This browser',
    'wall.mySeat': 'My seat phone', 'wall.reason': 'Reason',
    'wall.monitor': 'Monitor', 'wall.whisper': 'Whisper', 'wall.barge': 'Barge', 'wall.leave': 'Leave',
    'wall.allNodes': 'Calls of every node (served by {0})', 'wall.otherNode': 'call on another node',
    'wall.alarmServiceLevel': 'Service level today {0}', 'wall.alarmLongWait': 'Queue {0}: a call waits over 15 s ({1})',
    'wall.notSupervisor': 'This user is not a supervisor.', 'wall.signedOut': 'Please sign in again.',
    'wall.needSeat': 'Enter your seat phone\'s number first.',
    'fig.offered': 'Offered', 'fig.answered': 'Answered', 'fig.within15': 'Answered within 15 s', 'fig.serviceLevel': 'Service level',
    'fig.abandonedIvr': 'Abandoned in IVR', 'fig.abandonedQueue': 'Abandoned in queue', 'fig.abandonedRinging': 'Abandoned while ringing',
    'fig.asa': 'ASA', 'fig.aht': 'AHT (with wrap-up)', 'fig.connected': 'Connected rate', 'fig.callbacksDue': 'Callbacks due',
    'fig.survey': 'Survey score',
  },
  zh: {
    title: '12345 坐席工作台', logout: '退出', seat: '座席',
    'login.title': '登录', 'login.user': '用户名', 'login.password': '密码', 'login.seat': '座席号',
    'login.seatHint': '您的工号', 'login.audio': '话音', 'login.submit': '登录',
    'login.failed': '用户名或密码错误。', 'login.notAgent': '该用户不是坐席。',
    'audio.sip': '座席SIP话机', 'audio.browser': '本浏览器（耳麦）',
    ready: '示闲', notReady: '示忙', answer: '接听', hangup: '挂断', hold: '保持', mute: '静音',
    pauseRecording: '暂停录音', resumeRecording: '恢复录音',
    'rec.card': '银行卡号', 'rec.id': '身份证号', 'rec.personal': '个人信息',
    'state.LoggedOut': '已退出', 'state.Ready': '空闲', 'state.NotReady': '忙碌', 'state.Reserved': '来电',
    'state.Ringing': '振铃', 'state.OnCall': '通话中', 'state.WrapUp': '话后整理',
    'phase.pop': '来电', 'phase.ringing': '振铃', 'phase.talking': '通话中', 'phase.ended': '通话结束',
    'conn.online': '已连接', 'conn.reconnecting': '重新连接中…', 'conn.offline': '未连接',
    'pop.caller': '来电号码', 'pop.dialed': '被叫号码', 'pop.ivr': '语音导航', 'pop.keys': '按键', 'pop.language': '语言',
    'pop.queue': '队列', 'pop.wait': '等待', 'pop.repeat': '重复来电',
    'history.cases': '历史工单', 'history.calls': '最近来电', 'history.number': '工单号', 'history.status': '状态',
    'history.department': '承办单位', 'history.due': '办结时限', 'history.matter': '诉求', 'history.when': '时间',
    'history.outcome': '结果', 'history.queue': '队列', 'history.agent': '坐席', 'history.talk': '通话',
    'history.none': '无',
    'hint.sipAnswer': '请在SIP话机上接听；其他按钮可在此操作。',
    'hint.sipDigits': '请用话机键盘发送按键音。',
    'case.title': '新建工单', 'case.phone': '电话', 'case.channel': '渠道', 'case.callId': '通话编号', 'case.name': '市民姓名',
    'case.category': '类别', 'case.district': '区域', 'case.address': '地址', 'case.matter': '诉求内容',
    'case.confidential': '保密', 'case.direct': '直接办结', 'case.dispatch': '派发承办单位',
    'case.answer': '答复内容', 'case.save': '保存工单', 'case.saved': '工单 {0} 已保存（{1}）。', 'case.none': '—',
    'kb.title': '知识库', 'kb.hint': '部门、热线、公交线路…',
    'kind.department': '部门', 'kind.partner': '热线', 'kind.info': '语音信息', 'kind.emergency': '紧急',
    'pop.from': '转接自', 'xfer.title': '转接', 'xfer.hint': 'agent:1050、queue:general 或号码',
    'xfer.blind': '转接', 'xfer.consult': '咨询转', 'xfer.complete': '完成转接', 'xfer.cancel': '回到来电',
    'xfer.conference': '三方通话', 'xfer.drop': '挂断第三方', 'xfer.handover': '移交并退出',
    'xfer.calling': '正在呼叫 {0}…', 'xfer.done': '已转接至 {0}。', 'xfer.consulting': '正在咨询 {0}，市民保持中。',
    'kb.transfer': '转接', 'kb.conference': '三方',
    'cb.title': '回拨任务', 'cb.refresh': '刷新', 'cb.next': '回拨下一个', 'cb.number': '号码', 'cb.kind': '类型',
    'cb.attempts': '次数', 'cb.due': '到期', 'cb.last': '上次结果', 'cb.dial': '回拨', 'cb.none': '没有待回拨。',
    'cb.kind.missed-call': '漏话', 'cb.kind.missed-callback': '回拨未接通',
    'cb.outcome.reached': '已接通', 'cb.outcome.no-answer': '无人接听', 'cb.outcome.busy': '忙', 'cb.outcome.wrong-number': '号码错误',
    'cb.state.open': '待重拨', 'cb.state.dialling': '拨号中', 'cb.state.done': '完成', 'cb.state.dropped': '已撤销', 'cb.state.failed': '失败',
    'cb.calling': '正在呼叫 {0}（任务 {1}），请接听话机。', 'cb.offered': '任务 {1}：回拨 {0}。',
    'cb.result': '任务 {0}：{1}，{2}（第 {3} 次）。',
    'rv.title': '回访', 'rv.caseHint': '工单编号', 'rv.dial': '呼叫市民', 'rv.save': '保存评价',
    'rv.noteHint': '市民意见', 'rv.Satisfied': '满意', 'rv.BasicallySatisfied': '基本满意', 'rv.Dissatisfied': '不满意',
    'rv.needCase': '请输入工单编号。', 'rv.calling': '正在呼叫 {0}（工单 {1}），请接听话机。', 'rv.saved': '工单 {0}：评价已保存，{1}。',
    'rv.status.Closed': '已办结', 'rv.status.Reopened': '已重办',
    'pop.task': '回拨', 'pop.purpose': '{0}，任务 {1}，第 {2} 次',
    'purpose.callback': '排队中要求回拨', 'purpose.missed-call-return': '漏话回拨',
    'cat.Consultation': '咨询', 'cat.HelpRequest': '求助', 'cat.Complaint': '投诉', 'cat.Report': '举报',
    'cat.Suggestion': '建议', 'cat.Praise': '表扬',
    'wall.title': '12345 班长监控台', 'wall.figures': '今日指标', 'wall.queues': '队列', 'wall.seats': '座席',
    'wall.now': '当前', 'wall.15m': '15分钟', 'wall.30m': '30分钟', 'wall.60m': '60分钟', 'wall.today': '今日',
    'wall.queue': '队列', 'wall.skill': '技能', 'wall.all': '全部座席', 'wall.waiting': '排队', 'wall.longest': '最长等待',
    'wall.ready': '空闲', 'wall.busy': '忙', 'wall.expected': '预计等待', 'wall.filter': '技能 / 队列',
    'wall.listenFrom': '监听方式', 'wall.fromSeat': '我的座席话机', 'wall.fromBrowser': '本浏览器',
    'wall.mySeat': '我的座席话机', 'wall.reason': '原因',
    'wall.monitor': '监听', 'wall.whisper': '密语', 'wall.barge': '强插', 'wall.leave': '退出',
    'wall.allNodes': '所有节点的通话（由 {0} 提供）', 'wall.otherNode': '其他节点的通话',
    'wall.alarmServiceLevel': '今日服务水平 {0}', 'wall.alarmLongWait': '队列 {0}：有来电等待超过15秒（{1}）',
    'wall.notSupervisor': '该用户不是班长。', 'wall.signedOut': '请重新登录。',
    'wall.needSeat': '请先填写您的座席话机号。',
    'fig.offered': '呼入量', 'fig.answered': '接听量', 'fig.within15': '15秒内接听', 'fig.serviceLevel': '服务水平',
    'fig.abandonedIvr': '语音导航中放弃', 'fig.abandonedQueue': '排队中放弃', 'fig.abandonedRinging': '振铃中放弃',
    'fig.asa': '平均应答时长', 'fig.aht': '平均处理时长（含话后）', 'fig.connected': '接通率', 'fig.callbacksDue': '待回访',
    'fig.survey': '满意度评分',
  },
};

let language = localStorage.getItem('desk.language') || (navigator.language?.startsWith('zh') ? 'zh' : 'en');

export const currentLanguage = () => language;

/** The text for key in the current language ({0}, {1} replaced by args). */
export function t(key, ...args) {
  const s = text[language][key] ?? text.en[key] ?? key;
  return args.reduce((acc, a, i) => acc.replaceAll(`{${i}}`, String(a)), s);
}

/** Sets the language (remembered when the agent chose it) and re-labels the page. */
export function setLanguage(lang, chosen = false) {
  if (!text[lang]) return;
  language = lang;
  if (chosen) localStorage.setItem('desk.language', lang);
  apply();
}

/** The default for this agent, unless they chose one before. */
export function setDefaultLanguage(lang) {
  if (!localStorage.getItem('desk.language')) setLanguage(lang);
}

export function apply(root = document) {
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.getElementById('language').textContent = language === 'zh' ? 'English' : '中文';
  document.dispatchEvent(new CustomEvent('desk:language'));
}
