using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Telephony.Sip.Tests")]
[assembly: InternalsVisibleTo("Telephony.Benchmarks")]
