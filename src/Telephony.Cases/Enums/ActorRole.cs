namespace Telephony.Cases;

/// <summary>What a user may do; the REST layer maps bearer-token roles onto these.</summary>
public enum ActorRole { Agent, Supervisor, DepartmentHandler, Admin }
