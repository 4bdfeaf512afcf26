global using NUnit.Framework;
global using Telephony.Testing;
global using Telephony.Testing.Audio;
global using Telephony.Testing.Phones;
global using Telephony.Testing.Sip;
global using Telephony.Testing.Peers;
global using Telephony.Testing.Hosting;
