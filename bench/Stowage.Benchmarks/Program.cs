using BenchmarkDotNet.Running;

// Every suite of this assembly; pick with --filter (e.g. --filter '*Sqlite*').
BenchmarkSwitcher.FromAssembly(typeof(Stowage.Benchmarks.KeyEncodingBenchmarks).Assembly).Run(args);
