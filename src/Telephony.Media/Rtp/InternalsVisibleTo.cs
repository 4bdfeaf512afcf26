using System.Runtime.CompilerServices;

// The relay benchmarks drive a session's packet path without the socket receive in between.
[assembly: InternalsVisibleTo("Telephony.Benchmarks")]
[assembly: InternalsVisibleTo("Telephony.Media.Tests")]
