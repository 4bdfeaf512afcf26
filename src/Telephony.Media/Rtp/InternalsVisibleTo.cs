using System.Runtime.CompilerServices;

// The relay benchmarks drive a session's packet path without the socket receive in between.
[assembly: InternalsVisibleTo("Telephony.Benchmarks")]
[assembly: InternalsVisibleTo("Telephony.Media.Tests")]
// The load generator sends and receives its simulated phones with the same batched Linux calls.
[assembly: InternalsVisibleTo("Telephony.LoadGen")]
