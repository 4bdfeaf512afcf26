if (Telephony.Benchmarks.CasesPgBenchmark.TryRun(args)) return; // cases: generated-history timing on PostgreSQL
BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
