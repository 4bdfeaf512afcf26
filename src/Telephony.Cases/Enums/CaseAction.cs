namespace Telephony.Cases;

/// <summary>The moves a case can make. Each is one audited transition.</summary>
public enum CaseAction
{
    AnswerDirectly, Dispatch, SignFor, StartWork, RequestReturn, ApproveReturn, RejectReturn,
    RequestExtension, ApproveExtension, DenyExtension, Reply, Callback, Close, Archive,
    Escalate, Supervise, Merge,
}
