namespace Telephony.Cases;

/// <summary>How the citizen reached the hotline.</summary>
public enum CaseChannel { Phone, Sms, Web }
