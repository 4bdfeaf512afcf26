Console.WriteLine("Telephony load generator: not built yet");
