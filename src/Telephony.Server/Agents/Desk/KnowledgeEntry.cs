namespace Telephony.Server.Agents.Desk;

/// <summary>One hit of the agent's knowledge search.</summary>
/// <param name="Kind">"department", "partner" (a partner hotline), "emergency" (110, 119, 120, 122) or "info" (an entry of an IVR information table).</param>
/// <param name="Title">The department's name, the hotline's name, or "table key" for IVR information.</param>
/// <param name="Number">A hotline's number or a department's duty line (the agent can transfer to it or bring it in).</param>
/// <param name="Hours">When it answers.</param>
/// <param name="Text">The hotline's description, or what the IVR tells a caller for that entry (both languages).</param>
public sealed record KnowledgeEntry(string Kind, string Title, string? Number, string? Hours, string? Text);
