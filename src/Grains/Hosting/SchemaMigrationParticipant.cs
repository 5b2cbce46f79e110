using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AgentOps.Hosting;

/// <summary>Brings the schema up to date before membership, storage and reminders touch the database.</summary>
internal sealed class SchemaMigrationParticipant(SchemaMigrator migrator, IOptions<AgentOpsStorageOptions> options)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaMigrationParticipant), ServiceLifecycleStage.First, async cancellationToken =>
        {
            var storage = options.Value;
            if (storage.Provider == StorageProvider.Postgres && storage.ApplySchema)
            {
                await migrator.ApplyAsync(storage.ConnectionString!, cancellationToken);
            }
        });
}
