using AgentOps.Hosting;
using AgentOps.Hosting.Tls;
using AgentOps.Observability;
using Microsoft.Extensions.Options;

// A silo process. `AgentOps.Silo migrate` only applies the schema and exits (docker-compose's schema step);
// `AgentOps.Silo certs --out DIR [--names host1,host2]` makes the cluster's TLS authority and member certificate once.
if (args.Length > 0 && args[0] == "certs")
{
    var outDir = ArgValue("--out") ?? Path.Combine(Environment.CurrentDirectory, "certs");
    var names = ArgValue("--names")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
    var (authorityPath, memberPath, created) = ClusterCertificates.EnsureWritten(outDir, names);
    Console.WriteLine(created
        ? $"cluster TLS: new authority {authorityPath} and member certificate {memberPath}"
        : $"cluster TLS: keeping the existing {authorityPath} and {memberPath}");
    return 0;
}

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAgentOpsOptions(builder.Configuration);

if (args.Contains("migrate"))
{
    builder.Services.AddSingleton<SchemaMigrator>();
    using var migrateHost = builder.Build();
    var storage = migrateHost.Services.GetRequiredService<IOptions<AgentOpsStorageOptions>>().Value;
    var applied = await migrateHost.Services.GetRequiredService<SchemaMigrator>().ApplyAsync(storage.ConnectionString
        ?? throw new InvalidOperationException("AgentOps:Postgres is required for migrate."));
    Console.WriteLine($"schema up to date ({applied.Count} script(s) applied now)");
    return 0;
}

builder.Services.AddAgentOpsObservability(builder.Configuration, "agentops-silo");
builder.UseOrleans(silo => silo.AddAgentOpsSilo(builder.Configuration));
using var host = builder.Build();
await host.RunAsync();
return 0;

string? ArgValue(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

