namespace Telephony.Cases;

/// <summary>The six case categories a 12345 hotline sorts contacts into.</summary>
public enum CaseCategory { Consultation, HelpRequest, Complaint, Report, Suggestion, Praise }
