using System.ClientModel;
using AgentOps.Agents;
using AgentOps.Agents.Planning;
using AgentOps.Agents.Specialists;
using AgentOps.Agents.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentOps.Hosting;

/// <summary>The agent framework's services: tools, agents and the planner ("brain").</summary>
public static class AgentServiceCollectionExtensions
{
    public static IServiceCollection AddAgentOpsAgents(this IServiceCollection services, IConfiguration configuration)
    {
        AddTool<ListWarehousesTool>(services);
        AddTool<GetWarehouseTool>(services);
        AddTool<GetWarehouseStockTool>(services);
        AddTool<GetBookInventoryTool>(services);
        AddTool<ListOrdersTool>(services);
        AddTool<GetOrderTool>(services);
        AddTool<SearchBooksTool>(services);
        AddTool<QueryOpsEventsTool>(services);
        AddTool<ReconcileInventoryTool>(services);
        AddTool<RestartWarehouseTool>(services);
        AddTool<SetStockTool>(services);
        AddTool<RetryOrderTool>(services);
        AddTool<CancelOrderTool>(services);
        AddTool<ChangePriceTool>(services);
        AddTool<DeactivateBookTool>(services);
        AddTool<DelegateToAgentTool>(services);

        AddAgent<OrchestratorAgent>(services);
        AddAgent<WarehouseOpsAgent>(services);
        AddAgent<InventoryAgent>(services);
        AddAgent<FulfillmentAgent>(services);
        AddAgent<LogAnalyzerAgent>(services);

        services.TryAddSingleton<ToolRegistry>();
        services.TryAddSingleton<AgentCatalog>();

        // A language model when one is configured (or when the host registered its own IChatClient, as tests do);
        // the built-in deterministic planners otherwise.
        var llm = configuration.GetSection(LlmOptions.Section).Get<LlmOptions>() ?? new LlmOptions();
        if (llm.Enabled)
        {
            services.TryAddSingleton(sp => CreateChatClient(sp.GetRequiredService<IOptions<LlmOptions>>().Value));
        }
        services.TryAddSingleton<IAgentBrain>(sp => sp.GetService<IChatClient>() is { } chat
            ? new ChatClientBrain(chat, sp.GetRequiredService<ToolRegistry>(), sp.GetRequiredService<IOptions<LlmOptions>>())
            : new BuiltInBrain());
        return services;
    }

    private static IChatClient CreateChatClient(LlmOptions llm) =>
        new OpenAI.Chat.ChatClient(llm.Model, new ApiKeyCredential(string.IsNullOrEmpty(llm.ApiKey) ? "not-needed" : llm.ApiKey),
            new OpenAI.OpenAIClientOptions { Endpoint = new Uri(llm.Endpoint!) }).AsIChatClient();

    private static void AddTool<T>(IServiceCollection services) where T : class, IAgentTool =>
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentTool, T>());

    private static void AddAgent<T>(IServiceCollection services) where T : class, IAgent =>
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgent, T>());
}
