Console.WriteLine("Telephony softphone: not built yet");
