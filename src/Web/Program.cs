using AgentOps.Web.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddAgentOpsWeb();

var app = builder.Build();
app.MapAgentOpsWeb();
app.Run();

/// <summary>Entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
