using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Every suite of this assembly; pick with --filter (e.g. --filter '*Sqlite*'). BenchmarkDotNet
// builds a copy of the whole dependency tree without the shared compiler; on two busy cores
// that takes longer than its default two minutes, hence the longer build timeout.
var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
BenchmarkSwitcher.FromAssembly(typeof(Stowage.Benchmarks.KeyEncodingBenchmarks).Assembly).Run(args, config);
