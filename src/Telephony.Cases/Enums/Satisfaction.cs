namespace Telephony.Cases;

/// <summary>The citizen's verdict on the satisfaction callback.</summary>
public enum Satisfaction { Satisfied, BasicallySatisfied, Dissatisfied }
